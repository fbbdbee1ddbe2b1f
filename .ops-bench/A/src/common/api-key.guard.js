var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from './app-error.js';
import { ADMIN_ONLY, IS_PUBLIC } from './auth.decorators.js';
import { UsersService } from '../users/users.service.js';
/** Every route needs `Authorization: Bearer <api key>` unless marked @Public (SPEC §9.1). */
let ApiKeyGuard = class ApiKeyGuard {
    reflector;
    users;
    constructor(reflector, users) {
        this.reflector = reflector;
        this.users = users;
    }
    async canActivate(context) {
        const targets = [context.getHandler(), context.getClass()];
        if (this.reflector.getAllAndOverride(IS_PUBLIC, targets))
            return true;
        const request = context.switchToHttp().getRequest();
        const header = request.headers.authorization ?? '';
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
        if (!match)
            throw new AppError('unauthorized', 'Missing API key: send Authorization: Bearer <api key>', { 'WWW-Authenticate': 'Bearer' });
        const principal = await this.users.authenticate(match[1]);
        if (!principal)
            throw new AppError('unauthorized', 'Invalid, revoked or expired API key', { 'WWW-Authenticate': 'Bearer' });
        request.principal = principal;
        if (this.reflector.getAllAndOverride(ADMIN_ONLY, targets) && principal.role !== 'admin') {
            throw new AppError('forbidden', 'Only admins may do this');
        }
        return true;
    }
};
ApiKeyGuard = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [Reflector,
        UsersService])
], ApiKeyGuard);
export { ApiKeyGuard };
//# sourceMappingURL=api-key.guard.js.map