import { UserTokenEntity } from '../users/user-token.entity.js';
import { UserEntity } from '../users/user.entity.js';

/** Every entity, for the migration CLI's DataSource (Nest modules register theirs with forFeature). */
export const ENTITIES = [UserEntity, UserTokenEntity];
