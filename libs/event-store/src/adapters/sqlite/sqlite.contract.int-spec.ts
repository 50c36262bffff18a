import { sqliteLateCommit } from '../../../../../test/support/sqlite-held-write';
import { tempSqliteStore } from '../../../../../test/support/temp-sqlite-store';
import { runEventStoreContract } from '../../contract/event-store.contract';

runEventStoreContract('sqlite (real file, WAL, synchronous=FULL)', tempSqliteStore, { lateCommit: sqliteLateCommit });
