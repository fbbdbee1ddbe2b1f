import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn, type Relation } from 'typeorm';
import { UserEntity } from '../users/user.entity.js';

@Entity('credentials')
export class CredentialEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Index()
  @Column({ type: 'uuid' })
  ownerId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ownerId' })
  owner?: Relation<UserEntity>;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  type: string;

  /** `v1:<keyId>:<base64(nonce | ciphertext | tag)>`, AES-256-GCM with the id as associated data. */
  @Column({ type: 'text' })
  data: string;

  /** Names of the fields inside `data`, so listings never need to decrypt. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  fields: string[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
