import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** What a user may do (docs/security.md): an admin reaches everything, a member its own workflows. */
export type UserRole = 'admin' | 'member';

/** Who is calling: resolved from the API key by the auth guard. */
export interface Principal {
  userId: string;
  role: UserRole;
  apiKeyId: string;
}

export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  return context.switchToHttp().getRequest<{ principal: Principal }>().principal;
});

/** The owner filter for a query: admins see everything, members only their own. */
export function ownerScope(principal: Principal): string | undefined {
  return principal.role === 'admin' ? undefined : principal.userId;
}
