import { tempSqliteStore } from '../../../../test/support/temp-sqlite-store';
import { runCommandExecutionContract } from './command-execution.contract';

runCommandExecutionContract('sqlite (real file in a temp folder)', tempSqliteStore);
