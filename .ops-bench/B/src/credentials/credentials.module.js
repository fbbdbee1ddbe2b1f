var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
import { Logger, Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/app-config.js';
import { CredentialCipher, createCredentialCipher } from './credential-crypto.js';
import { CredentialsController } from './credentials.controller.js';
import { CredentialsRepository } from './credentials.repository.js';
import { CredentialsService } from './credentials.service.js';
const logger = new Logger('Credentials');
let CredentialsModule = class CredentialsModule {
};
CredentialsModule = __decorate([
    Module({
        controllers: [CredentialsController],
        providers: [
            CredentialsRepository,
            CredentialsService,
            // Built at start-up so that a bad ENCRYPTION_KEY stops the process before it serves anything.
            { provide: CredentialCipher, useFactory: (config) => createCredentialCipher(config, (message) => logger.warn(message)), inject: [APP_CONFIG] },
        ],
        exports: [CredentialsService, CredentialCipher],
    })
], CredentialsModule);
export { CredentialsModule };
//# sourceMappingURL=credentials.module.js.map