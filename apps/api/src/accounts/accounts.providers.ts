import type { Provider } from '@nestjs/common';
import { AccountCommands } from '@app/application';
import { CLOCK, type Clock } from '@app/common';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { PasswordHasher } from '@app/identity';
import { IdentityStoreProvider, Sessions } from '../auth/sessions';
import { FirstStart } from './first-start';

/** Accounts, their credentials and sessions, and the first start. */
export const ACCOUNT_PROVIDERS: Provider[] = [
  IdentityStoreProvider,
  { provide: PasswordHasher, useFactory: () => new PasswordHasher() },
  {
    provide: AccountCommands,
    inject: [EVENT_STORE, IdentityStoreProvider, PasswordHasher, CLOCK],
    useFactory: (store: EventStore, identity: IdentityStoreProvider, hasher: PasswordHasher, clock: Clock) =>
      new AccountCommands(store, identity, hasher, clock),
  },
  Sessions,
  FirstStart,
];
