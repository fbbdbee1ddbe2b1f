import { createParamDecorator } from '@nestjs/common';
export const CurrentPrincipal = createParamDecorator((_, context) => {
    return context.switchToHttp().getRequest().principal;
});
/** The owner filter for a query: admins see everything, members only their own. */
export function ownerScope(principal) {
    return principal.role === 'admin' ? undefined : principal.userId;
}
//# sourceMappingURL=principal.js.map