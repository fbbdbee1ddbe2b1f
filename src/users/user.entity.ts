import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { UserRole } from '../common/principal.js';

/** Defined with Principal in common/, which may not import users/. */
export type { UserRole };

@Entity('users')
export class UserEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'text', unique: true })
  email: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  role: UserRole;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
