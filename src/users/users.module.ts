import { Module, type OnModuleInit } from '@nestjs/common';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  controllers: [UsersController],
  providers: [UsersRepository, UsersService],
  exports: [UsersService, UsersRepository],
})
export class UsersModule implements OnModuleInit {
  constructor(private readonly users: UsersService) {}

  async onModuleInit(): Promise<void> {
    await this.users.bootstrapAdmin();
  }
}
