import t from 'tap';
import { defaultJava } from '../../../src/local/dynamodb-local.js';
import { freePort } from '../../../src/local/free-port.js';
import { DynamoDBLocalError } from '../../../src/local/local-error.js';

t.test('java comes from JAVA_HOME when set, else PATH', async (t) => {
  t.equal(defaultJava({ JAVA_HOME: '/usr/lib/jvm/java-17' }), '/usr/lib/jvm/java-17/bin/java');
  t.equal(defaultJava({}), 'java');
  t.equal(defaultJava({ JAVA_HOME: '' }), 'java');
});

t.test('freePort returns a port nobody holds any more', async (t) => {
  const port = await freePort();
  t.ok(Number.isInteger(port) && port > 0 && port < 65536);
});

t.test('errors carry a stable code and their cause', async (t) => {
  const cause = new Error('inner');
  const e = new DynamoDBLocalError('JAVA_MISSING', 'no java', { cause });
  t.equal(e.name, 'DynamoDBLocalError');
  t.equal(e.code, 'JAVA_MISSING');
  t.equal(e.cause, cause);
  t.equal(new DynamoDBLocalError('START_TIMEOUT', 'slow').cause, undefined);
});
