import type { UserView } from '../contract/users.contract.js';
import type { User } from '../domain/user.js';

/** The only way a user leaves the module: an explicit list of fields, so the hash cannot slip out. */
export const toUserView = (user: User): UserView => ({
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role,
  createdAt: user.createdAt,
});
