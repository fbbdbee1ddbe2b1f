import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../common/api-docs.js';
import { AdminOnly } from '../common/auth.decorators.js';
import { PageQueryDto, pageLimit, toPage, type Page } from '../common/pagination.js';
import { CurrentPrincipal, type Principal } from '../common/principal.js';
import { CreateApiKeyDto, CreatedApiKeyDto, CreateUserDto, UserDto, UserPageDto, toApiKeyDto, toUserDto } from './dto/user.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@Controller()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('users/me')
  @ApiRoute({ summary: 'The user behind the API key', type: UserDto })
  async me(@CurrentPrincipal() principal: Principal): Promise<UserDto> {
    return toUserDto(await this.users.getUser(principal.userId));
  }

  @Post('users')
  @AdminOnly()
  @ApiRoute({ summary: 'Create a user (admin only)', status: 201, type: UserDto, errors: [400, 403, 409] })
  async create(@Body() body: CreateUserDto): Promise<UserDto> {
    return toUserDto(await this.users.createUser(body));
  }

  @Get('users')
  @AdminOnly()
  @ApiRoute({ summary: 'List users, newest first (admin only)', type: UserPageDto, errors: [400, 403] })
  async list(@Query() query: PageQueryDto): Promise<Page<UserDto>> {
    const limit = pageLimit(query);
    return toPage(await this.users.listUsers(limit, query.cursor), limit, toUserDto);
  }

  @Post('users/:id/api-keys')
  @AdminOnly()
  @ApiRoute({ summary: 'Create an API key for a user (admin only)', description: 'The key is in this response only; it is stored hashed.', status: 201, type: CreatedApiKeyDto, errors: [400, 403, 404] })
  async createKey(@Param('id', ParseUUIDPipe) id: string, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const { entity, key } = await this.users.createApiKey(id, body.name, body.expiresAt);
    return { ...toApiKeyDto(entity), key };
  }

  @Delete('api-keys/:id')
  @AdminOnly()
  @ApiRoute({ summary: 'Revoke an API key (admin only)', status: 204, errors: [403, 404] })
  async revokeKey(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.users.revokeApiKey(id);
  }
}

