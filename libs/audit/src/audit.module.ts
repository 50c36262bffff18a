import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/common';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { AuditSigner } from './signing-key';
import { ProvinceTimeTravel } from './time-travel';

/** The checkpoint signing key and the province time machine, one per process. */
@Global()
@Module({
  providers: [
    {
      provide: AuditSigner,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => AuditSigner.fromConfig(config.AUDIT_SIGNING_KEY, config.DATA_DIR),
    },
    { provide: ProvinceTimeTravel, inject: [EVENT_STORE], useFactory: (store: EventStore) => new ProvinceTimeTravel(store) },
  ],
  exports: [AuditSigner, ProvinceTimeTravel],
})
export class AuditModule implements OnApplicationShutdown {
  constructor(@Inject(ProvinceTimeTravel) private readonly timeTravel: ProvinceTimeTravel) {}
  onApplicationShutdown(): void {
    this.timeTravel.close();
  }
}
