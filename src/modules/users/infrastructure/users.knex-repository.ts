import type { Knex } from 'knex';
import { inject, injectable } from 'tsyringe';
import { AppError } from '../../../platform/kernel/errors.js';
import type { UsersRepository } from '../application/ports/users.repository.port.js';
import { USERS_ERRORS } from '../contract/users.contract.js';
import { USER_REGISTERED } from '../contract/users.events.js';
import type { Role, User } from '../domain/user.js';
import { isUniqueViolation } from '../../../platform/db/unique-violation.js';
import type { SqlRunner } from '../../../platform/kernel/database.js';
import { KNEX, SQL_RUNNER } from '../../../platform/db/db.tokens.js';

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: string;
  password_hash: string;
  created_at: string;
}

const COLUMNS = ['id', 'email', 'name', 'role', 'password_hash', 'created_at'];

// Look-ups are fixed SQL: getUser runs for every notification. Not cached: the role can change.
const BY_ID = `SELECT ${COLUMNS.join(', ')} FROM users WHERE id = ?`;
const BY_EMAIL = `SELECT ${COLUMNS.join(', ')} FROM users WHERE email = ?`;
const INSERT = `INSERT INTO users (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`;

const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role as Role,
  passwordHash: row.password_hash,
  createdAt: row.created_at,
});

@injectable()
export class UsersKnexRepository implements UsersRepository {
  constructor(
    @inject(KNEX) private readonly knex: Knex,
    @inject(SQL_RUNNER) private readonly sql: SqlRunner,
  ) {}

  async findById(id: string): Promise<User | undefined> {
    // No id contains NUL, and PostgreSQL would reject the query instead of finding nothing.
    if (id.includes('\u0000')) return undefined;
    const [row] = (await this.sql.query<UserRow>(BY_ID, [id])).rows;
    return row && toUser(row);
  }

  async findByEmail(email: string): Promise<User | undefined> {
    const [row] = (await this.sql.query<UserRow>(BY_EMAIL, [email])).rows;
    return row && toUser(row);
  }

  async add(user: User): Promise<void> {
    try {
      await this.sql.transaction(async (tx) => {
        await tx.query(INSERT, [user.id, user.email, user.name, user.role, user.passwordHash, user.createdAt]);
        await tx.publish(USER_REGISTERED, {
          userId: user.id,
          email: user.email,
          name: user.name,
          registeredAt: user.createdAt,
        });
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new AppError(USERS_ERRORS.email_taken, 'An account with this email already exists');
      throw error;
    }
  }

  async promoteToAdmin(id: string, passwordHash: string): Promise<void> {
    await this.knex('users').where({ id }).update({ role: 'admin', password_hash: passwordHash });
  }
}
