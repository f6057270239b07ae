import { describe, expect, it } from 'vitest';
import { hostsOf, isConnectionError } from '../../server/db/pgPool';

describe('DATABASE_URL with several hosts (pg_auto_failover)', () => {
  it('is read as one URL per host, in order, keeping user, database and other settings', () => {
    expect(hostsOf('postgres://app:s3cr%40t@db1:5432,db2:5433/countyflow?target_session_attrs=read-write&sslmode=prefer')).toEqual([
      'postgres://app:s3cr%40t@db1:5432/countyflow?sslmode=prefer',
      'postgres://app:s3cr%40t@db2:5433/countyflow?sslmode=prefer',
    ]);
    expect(hostsOf('postgres://127.0.0.1:6001,127.0.0.1:6002/test?target_session_attrs=read-write')).toEqual(['postgres://127.0.0.1:6001/test', 'postgres://127.0.0.1:6002/test']);
    expect(hostsOf('postgres://postgres@127.0.0.1:5432/test')).toEqual(['postgres://postgres@127.0.0.1:5432/test']);
  });

  it('tells a lost or unreachable database from a statement that failed', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', '57P01', '08006', '25006']) expect(isConnectionError(Object.assign(new Error('x'), { code })), code).toBe(true);
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
    for (const code of ['23505', '22P02', '42703', undefined]) expect(isConnectionError(Object.assign(new Error('x'), { code })), String(code)).toBe(false);
  });
});
