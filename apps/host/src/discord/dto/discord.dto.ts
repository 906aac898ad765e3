import { ApiProperty } from '@nestjs/swagger';

/** What a link token binds: shown on the confirmation page before the user confirms. */
export class DiscordLinkPreviewDto {
  @ApiProperty({ description: 'The Discord username that asked for the link' })
  discordUsername!: string;

  @ApiProperty({ format: 'date-time', description: 'When the link stops working' })
  expiresAt!: string;
}

/** The Discord account bound to the caller's account. */
export class DiscordAccountDto {
  @ApiProperty()
  discordUserId!: string;

  @ApiProperty()
  username!: string;

  @ApiProperty({ format: 'date-time' })
  linkedAt!: string;
}

/** Whether the caller's account has a Discord account linked. */
export class MyDiscordAccountDto {
  @ApiProperty({ type: DiscordAccountDto, nullable: true, description: 'null when none is linked' })
  account!: DiscordAccountDto | null;
}
