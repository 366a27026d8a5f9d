import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** A timestamp column: read as Date, written as Date or ISO string, defaulted by the database. */
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;

/** Runtime switches, one row (id = 1). */
export interface SettingsTable {
  id: ColumnType<number, number, never>;
  maintenance: boolean;
  allow_registration: boolean;
  updated_at: Timestamp;
}

export interface UserTable {
  id: Generated<number>;
  email: string;
  username: string;
  slug: string;
  password_hash: string;
  bio: ColumnType<string, string | undefined, string>;
  address: ColumnType<string, string | undefined, string>;
  profile_pic: string | null;
  is_verified: ColumnType<boolean, boolean | undefined, boolean>;
  is_active: ColumnType<boolean, boolean | undefined, boolean>;
  is_staff: ColumnType<boolean, boolean | undefined, boolean>;
  is_superuser: ColumnType<boolean, boolean | undefined, boolean>;
  is_deleted: ColumnType<boolean, boolean | undefined, boolean>;
  date_joined: Timestamp;
  updated_at: Timestamp;
}

export interface Database {
  settings: SettingsTable;
  users: UserTable;
}

export type SettingsRow = Selectable<SettingsTable>;
export type UserRow = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type UserUpdate = Updateable<UserTable>;
