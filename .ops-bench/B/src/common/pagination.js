var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
/**
 * Keyset pagination over time-ordered UUID v7 ids: newest first, the cursor is the last id seen.
 * Stable under inserts, and each page is an index range scan.
 */
export class PageQueryDto {
    limit;
    cursor;
}
__decorate([
    ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(MAX_PAGE_SIZE),
    __metadata("design:type", Number)
], PageQueryDto.prototype, "limit", void 0);
__decorate([
    ApiPropertyOptional({ description: 'The `nextCursor` of the previous page' }),
    IsOptional(),
    IsUUID('all', { message: 'cursor must be a cursor returned by a previous page' }),
    __metadata("design:type", String)
], PageQueryDto.prototype, "cursor", void 0);
/** Repositories fetch `limit + 1` rows; the extra one only says whether another page exists. */
export function toPage(rows, limit, map) {
    const hasMore = rows.length > limit;
    const pageRows = hasMore ? rows.slice(0, limit) : rows;
    return { items: pageRows.map(map), nextCursor: hasMore ? pageRows[pageRows.length - 1].id : null };
}
export const pageLimit = (query) => query.limit ?? DEFAULT_PAGE_SIZE;
/** For Swagger: `{ items, nextCursor }` of a given item type. */
export function PageDto(item, name) {
    class PageOf {
        items;
        nextCursor;
    }
    __decorate([
        ApiProperty({ type: [item] }),
        __metadata("design:type", Array)
    ], PageOf.prototype, "items", void 0);
    __decorate([
        ApiProperty({ type: String, nullable: true }),
        __metadata("design:type", Object)
    ], PageOf.prototype, "nextCursor", void 0);
    Object.defineProperty(PageOf, 'name', { value: name });
    return PageOf;
}
//# sourceMappingURL=pagination.js.map