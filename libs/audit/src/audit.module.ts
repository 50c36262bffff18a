import { Global, Module } from '@nestjs/common';
import { AppConfig } from '@app/common';
import { AuditSigner } from './signing-key';

/** The checkpoint signing key, one per process. */
@Global()
@Module({
  providers: [
    {
      provide: AuditSigner,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => AuditSigner.fromConfig(config.AUDIT_SIGNING_KEY, config.DATA_DIR),
    },
  ],
  exports: [AuditSigner],
})
export class AuditModule {}
