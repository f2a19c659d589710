import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('relative paths', () => {
  it('resolve against INIT_CWD, the directory `npm start` was run from (npm runs the script in apps/gateway)', () => {
    const config = loadConfig(
      { INIT_CWD: '/home/ada/project', SWITCHBOARD_CONFIG: 'switchboard.json', SWITCHBOARD_CONSOLE_DIR: 'console-dist' },
      [],
    );
    expect(config.dataDir).toBe('/home/ada/project/data');
    expect(config.database).toEqual({ kind: 'pglite', dataDir: '/home/ada/project/data/pglite' });
    expect(config.configFile).toBe('/home/ada/project/switchboard.json');
    expect(config.consoleDir).toBe('/home/ada/project/console-dist');
    expect(loadConfig({ INIT_CWD: '/home/ada/project' }, ['--config', 'conf/sb.json']).configFile).toBe('/home/ada/project/conf/sb.json');
  });

  it('keep absolute paths, and without INIT_CWD (node run directly, the image) use the working directory', () => {
    expect(loadConfig({ INIT_CWD: '/home/ada', SWITCHBOARD_DATA_DIR: '/var/lib/sb' }).dataDir).toBe('/var/lib/sb');
    expect(loadConfig({ SWITCHBOARD_DATA_DIR: 'state' }).dataDir).toBe(join(process.cwd(), 'state'));
  });
});
