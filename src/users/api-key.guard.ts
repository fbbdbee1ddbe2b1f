import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppError } from '../common/app-error.js';
import { ADMIN_ONLY, IS_PUBLIC } from '../common/auth.decorators.js';
import type { Principal } from '../common/principal.js';
import { UsersService } from './users.service.js';

/** Every route needs `Authorization: Bearer <api key>` unless marked @Public (docs/security.md). */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly users: UsersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new AppError('unauthorized', 'Missing API key: send Authorization: Bearer <api key>', { 'WWW-Authenticate': 'Bearer' });
    const principal = await this.users.authenticate(match[1]);
    if (!principal) throw new AppError('unauthorized', 'Invalid, revoked or expired API key', { 'WWW-Authenticate': 'Bearer' });
    request.principal = principal;
    if (this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY, targets) && principal.role !== 'admin') {
      throw new AppError('forbidden', 'Only admins may do this');
    }
    return true;
  }
}
