import { Global, Module } from '@nestjs/common';
import { AppConfig, Directory, loadAnnouncements, WorkingCalendar } from '@app/common';

/** Default folder of the yearly calendar announcements. */
export const DEFAULT_CALENDAR_DIR = 'config/calendar';

/** The directory and the working-day calendar: loaded once per process, shared by every role. */
@Global()
@Module({
  providers: [
    { provide: Directory, inject: [AppConfig], useFactory: (config: AppConfig) => Directory.load(config.DIRECTORY_FILE) },
    {
      provide: WorkingCalendar,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new WorkingCalendar({
          timeZone: 'Asia/Ho_Chi_Minh',
          announcements: loadAnnouncements(config.CALENDAR_DIR ?? DEFAULT_CALENDAR_DIR),
        }),
    },
  ],
  exports: [Directory, WorkingCalendar],
})
export class ReferenceDataModule {}
