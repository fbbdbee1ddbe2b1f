var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
import { Injectable } from '@nestjs/common';
/** What a `worker` process serves over HTTP (SPEC §3): probes and metrics, nothing else. */
const WORKER_PATHS = /^\/(health(\/.*)?|metrics)\/?$/;
/**
 * Applied only when APP_ROLE=worker: every other path answers 404 as if the route did not exist,
 * so admin and webhook traffic sent to a worker by mistake is never served there.
 */
let WorkerRoutesMiddleware = class WorkerRoutesMiddleware {
    use(request, response, next) {
        if (WORKER_PATHS.test(request.path))
            return next();
        response.status(404).json({ statusCode: 404, error: 'Not Found', message: `Cannot ${request.method} ${request.path}: this process runs APP_ROLE=worker and serves only /health and /metrics` });
    }
};
WorkerRoutesMiddleware = __decorate([
    Injectable()
], WorkerRoutesMiddleware);
export { WorkerRoutesMiddleware };
//# sourceMappingURL=worker-routes.middleware.js.map