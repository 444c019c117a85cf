// Machine facts through systeminformation: for real on this Linux machine, and with a source that fails,
// hangs or answers garbage (what a tool on a broken Mac does), each costing only its own fact.
import { cpus, totalmem } from 'node:os';
import { describe, expect, it } from 'vitest';
import { readMachineFacts } from '../../main/platform/machine-facts';

describe('machine facts', () => {
  it('reads this machine for real: memory, boot time, time zone', async () => {
    const { facts, notes } = await readMachineFacts();
    expect(notes).toEqual([]);
    expect(facts.memoryBytes).toBe(totalmem());
    expect(facts.bootedAt).toBeLessThan(Date.now());
    // A zone name the runtime knows (systeminformation says "Etc/UTC" where Node says "UTC": both are).
    expect(() => new Intl.DateTimeFormat('en', { timeZone: facts.timeZone })).not.toThrow();
    expect(facts.timeZone).toBeTruthy();
    expect(facts.cpuModel?.length ?? 0).toBeGreaterThan(0);
    expect(cpus().length).toBeGreaterThan(0);
  });

  it('a tool that fails, one that hangs and one that answers garbage cost only their own facts, with notes', async () => {
    const { facts, notes } = await readMachineFacts(
      {
        system: async () => ({ model: 'Mac14,2', serial: 'C02\u001b[31mX' }) as never,
        osInfo: async () => {
          throw new Error('sw_vers: command not found');
        },
        cpu: () => new Promise(() => undefined) as never,
        mem: async () => ({ total: 17179869184 }) as never,
        time: () =>
          ({ current: 1_764_500_000_000, uptime: 3600, timezone: 'UTC+0100', timezoneName: 'Europe/Paris' }) as never,
        users: async () =>
          [
            { user: 'bob', tty: 'ttys000' },
            { user: 'alice', tty: 'console' },
          ] as never,
      },
      200,
    );
    expect(facts).toEqual({
      model: 'Mac14,2',
      memoryBytes: 17179869184,
      bootedAt: 1_764_496_400_000,
      timeZone: 'Europe/Paris',
      utcOffset: '+0100',
      loggedInUser: 'alice',
    });
    expect(notes).toEqual([
      'machine facts: the OS build could not be read (sw_vers: command not found)',
      'machine facts: the CPU model could not be read (no answer within 0.2 s)',
    ]);
  });
});
