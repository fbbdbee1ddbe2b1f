import { Logger, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { CredentialCipher, createCredentialCipher } from './credential-crypto.js';
import { CredentialsController } from './credentials.controller.js';
import { CredentialsRepository } from './credentials.repository.js';
import { CredentialsService } from './credentials.service.js';

const logger = new Logger('Credentials');

@Module({
  controllers: [CredentialsController],
  providers: [
    CredentialsRepository,
    CredentialsService,
    // Built at start-up so that a bad ENCRYPTION_KEY stops the process before it serves anything.
    { provide: CredentialCipher, useFactory: (config: AppConfig) => createCredentialCipher(config, (message) => logger.warn(message)), inject: [APP_CONFIG] },
  ],
  exports: [CredentialsService, CredentialsRepository, CredentialCipher],
})
export class CredentialsModule {}
