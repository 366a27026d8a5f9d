/** What other features and the assembly may use of the users feature. */
export { updateUserMultipart } from './multipart.ts';
export { findActiveUserById, hasSuperuser, insertUser, takenIdentifiers } from './queries.ts';
export { usersRouter } from './router.ts';
export type { PublicUserProfile, UserListItem, UserProfile } from './schemas.ts';
