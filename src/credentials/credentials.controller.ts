import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../common/api-docs.js';
import { pageLimit, toPage, type Page } from '../common/pagination.js';
import { CurrentPrincipal, ownerScope, type Principal } from '../common/principal.js';
import { credentialTypeDtos, toCredentialDto } from './credential.mapper.js';
import { CredentialsService } from './credentials.service.js';
import { CreateCredentialDto, CredentialDto, CredentialPageDto, CredentialQueryDto, CredentialTypeDto, UpdateCredentialDto } from './dto/credential.dto.js';

const NO_SECRETS = 'Responses carry the names of the secret fields, never their values.';

@ApiTags('credentials')
@Controller('credentials')
export class CredentialsController {
  constructor(private readonly credentials: CredentialsService) {}

  // Declared before `:id` so that Express does not route "types" as an id.
  @Get('types')
  @ApiRoute({ summary: 'Credential types and their fields', type: [CredentialTypeDto] })
  types(): CredentialTypeDto[] {
    return credentialTypeDtos();
  }

  @Post()
  @ApiRoute({
    summary: 'Create a credential',
    description: `\`data\` must hold exactly the fields of \`type\`; it is encrypted with AES-256-GCM. ${NO_SECRETS}`,
    status: 201,
    type: CredentialDto,
    errors: [400],
  })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateCredentialDto): Promise<CredentialDto> {
    return toCredentialDto(await this.credentials.create(principal.userId, body));
  }

  @Get()
  @ApiRoute({ summary: 'List credentials, newest first', description: `Members see their own; admins see all. ${NO_SECRETS}`, type: CredentialPageDto, errors: [400] })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: CredentialQueryDto): Promise<Page<CredentialDto>> {
    const limit = pageLimit(query);
    const rows = await this.credentials.list(ownerScope(principal), { type: query.type, limit, cursor: query.cursor });
    return toPage(rows, limit, toCredentialDto);
  }

  @Get(':id')
  @ApiRoute({ summary: 'Get a credential', description: NO_SECRETS, type: CredentialDto, errors: [400, 404] })
  async get(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<CredentialDto> {
    return toCredentialDto(await this.credentials.getCredentials(id, ownerScope(principal)));
  }

  @Patch(':id')
  @ApiRoute({ summary: 'Rename a credential and/or replace its data', description: `\`data\` is replaced whole and validated against the type. ${NO_SECRETS}`, type: CredentialDto, errors: [400, 404] })
  async update(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateCredentialDto): Promise<CredentialDto> {
    return toCredentialDto(await this.credentials.update(id, ownerScope(principal), body));
  }

  @Delete(':id')
  @ApiRoute({ summary: 'Delete a credential', description: 'Refused with 409 while a workflow node or a webhook uses it.', status: 204, errors: [400, 404, 409] })
  async delete(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.credentials.delete(id, ownerScope(principal));
  }
}
