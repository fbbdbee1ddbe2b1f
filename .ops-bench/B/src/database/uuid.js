import { v7 } from 'uuid';
/** Time-ordered ids keep inserts on the right-hand edge of every primary-key index. */
export const newId = () => v7();
//# sourceMappingURL=uuid.js.map