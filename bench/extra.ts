/** Rows that live with their subsystems (verification, CA model, extension). */
import { extensionRows } from './extension';
import { Row } from './harness';
import { BenchOptions } from './rows';

export const EXTRA_ROWS: [string, (o: BenchOptions) => Promise<Row[]>][] = [['extension', extensionRows]];
