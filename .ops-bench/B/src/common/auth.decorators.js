import { SetMetadata } from '@nestjs/common';
export const IS_PUBLIC = 'isPublic';
export const ADMIN_ONLY = 'adminOnly';
/** Route served without an API key (webhooks, health, metrics). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
/** Route for admins only. */
export const AdminOnly = () => SetMetadata(ADMIN_ONLY, true);
//# sourceMappingURL=auth.decorators.js.map