var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { Injectable } from '@nestjs/common';
import { CredentialsService } from '../credentials/credentials.service.js';
/**
 * Gives a node the decrypted data of the credential it references, and nothing else. Decryption
 * happens here, inside the engine, only for the node that asks (SPEC §9.2). Ownership was checked
 * when the workflow was saved, and a credential in use cannot be deleted.
 */
let CredentialResolver = class CredentialResolver {
    credentials;
    constructor(credentials) {
        this.credentials = credentials;
    }
    async resolve(node, type) {
        const reference = node.credentials?.[type];
        if (!reference?.id)
            throw new Error(`Node "${node.name}" has no "${type}" credential`);
        const credential = await this.credentials.getCredentials(reference.id);
        if (credential.type !== type)
            throw new Error(`Credential ${reference.id} is of type "${credential.type}", not "${type}"`);
        return this.credentials.decrypt(credential);
    }
};
CredentialResolver = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [CredentialsService])
], CredentialResolver);
export { CredentialResolver };
//# sourceMappingURL=credential-resolver.js.map