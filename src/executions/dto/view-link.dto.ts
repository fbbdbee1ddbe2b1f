import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { VIEW_LINK_DEFAULT_SECONDS, VIEW_LINK_MAX_SECONDS } from '../view-links.js';

export class CreateViewLinkDto {
  @ApiPropertyOptional({ minimum: 60, maximum: VIEW_LINK_MAX_SECONDS, default: VIEW_LINK_DEFAULT_SECONDS, description: 'How long the link works, in seconds' })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(VIEW_LINK_MAX_SECONDS)
  expiresInSeconds?: number;
}

export class ViewLinkDto {
  @ApiProperty({
    example: 'https://wfe.example.com/executions/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/signed-view?expires=1767225600&signature=…',
    description: 'Opens the HTML view of this execution in a browser, without the API key, until expiresAt',
  })
  url: string;

  @ApiProperty({ example: '2026-01-01T00:15:00.000Z' }) expiresAt: string;
}
