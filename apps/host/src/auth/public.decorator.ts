import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'cm:public';

/** Marks a controller or route as reachable without an access token. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
