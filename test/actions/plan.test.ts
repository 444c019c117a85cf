import { describe, expect, it } from 'vitest';
import { planDisable, planText } from '../../main/engine/actions/plan';
import type { LaunchItem } from '../../main/engine/model';
import { launchAgent } from '../support/launch-items';

const item = (extra: Partial<LaunchItem>): LaunchItem =>
  launchAgent('/Users/alice/Library/LaunchAgents/com.x.plist', 'com.x', {
    arguments: ['/Users/alice/.x/agent'],
    ...extra,
  });
const ctx = { uid: 501, isRoot: false, processes: [{ pid: 812, startedAt: 1, args: '/Users/alice/.x/agent' }] };

describe('the disable planner', () => {
  it('says what each kind will do and how many administrator prompts to expect', () => {
    const daemon = planDisable(
      item({ kind: 'LaunchDaemon', scope: 'system', plistPath: '/Library/LaunchDaemons/com.x.plist' }),
      ctx,
    );
    expect(daemon.ok && daemon.plan.adminPrompts).toBe(1);
    expect(daemon.ok && planText(daemon.plan)).toMatch(
      /Unload it: launchctl bootout system\/com.x[\s\S]*Move \/Library\/LaunchDaemons\/com.x.plist into Launchwatch's quarantine[\s\S]*administrator password once, for all of these steps/,
    );
    const agent = planDisable(item({}), ctx);
    expect(agent.ok && agent.plan.adminPrompts).toBe(0);
    expect(agent.ok && planText(agent.plan)).not.toMatch(/administrator/);
    const bundle = planDisable(
      item({ scope: 'app-bundle', plistPath: '/Applications/Tool.app/Contents/Library/LaunchAgents/com.x.plist' }),
      ctx,
    );
    expect(bundle.ok && bundle.plan.keepsFile).toBe(true);
    expect(bundle.ok && planText(bundle.plan)).toMatch(
      /No file inside the app is changed[\s\S]*System Settings > General > Login Items & Extensions[\s\S]*removing the app removes it/,
    );
    expect(bundle.ok && bundle.plan.steps.map((s) => s.kind)).not.toContain('quarantine');
  });

  it('plans bootout, disable, stop and quarantine for a user agent, without admin', () => {
    const outcome = planDisable(item({}), ctx);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.plan.needsAdmin).toBe(false);
    expect(outcome.plan.steps.map((s) => s.kind)).toEqual(['bootout', 'disable', 'stop-processes', 'quarantine']);
    expect(outcome.plan.steps[0]?.argv).toEqual(['launchctl', 'bootout', 'gui/501/com.x']);
    expect(outcome.plan.steps[1]?.argv).toEqual(['launchctl', 'disable', 'gui/501/com.x']);
    expect(outcome.plan.steps[2]?.processes).toEqual(ctx.processes);
  });

  it('uses the system domain and an administrator for daemons and for agents under /Library', () => {
    const daemon = planDisable(
      item({
        kind: 'LaunchDaemon',
        scope: 'system',
        plistPath: '/Library/LaunchDaemons/com.x.plist',
        id: '/Library/LaunchDaemons/com.x.plist',
      }),
      { ...ctx, processes: [] },
    );
    expect(daemon.ok && daemon.plan.steps.map((s) => s.argv?.join(' ') ?? s.kind)).toEqual([
      'launchctl bootout system/com.x',
      'launchctl disable system/com.x',
      'quarantine',
    ]);
    expect(daemon.ok && daemon.plan.needsAdmin).toBe(true);
    const agent = planDisable(item({ scope: 'system', plistPath: '/Library/LaunchAgents/com.x.plist' }), ctx);
    expect(agent.ok && agent.plan.needsAdmin).toBe(true);
    expect(
      planDisable(item({ kind: 'LaunchDaemon', plistPath: '/Library/LaunchDaemons/com.x.plist' }), {
        ...ctx,
        isRoot: true,
      }).ok,
    ).toBe(true);
  });

  it('refuses macOS itself, Apple-signed programs and labels or paths it will not pass to a command', () => {
    expect(
      planDisable(item({ scope: 'apple', plistPath: '/System/Library/LaunchDaemons/com.apple.x.plist' }), ctx),
    ).toMatchObject({ ok: false, refusal: expect.stringContaining('System Integrity Protection') });
    // Signed by Apple is not Apple's own: miners run under /bin/sh and python3 (the plist decides, issue #10).
    expect(
      planDisable(item({}), { ...ctx, signing: { path: '/x', status: 'apple', authorities: ['Software Signing'] } }).ok,
    ).toBe(true);
    // launchd takes any string as a Label: one with spaces and shell syntax is passed, as one argument, and the plan's
    // words quote it; one with a "/" (where launchctl splits a target) or a line end is refused.
    const label = "com.x; rm -rf ~ 'y'";
    const quoted = `'gui/501/com.x; rm -rf ~ '\\''y'\\'''`;
    const shelly = planDisable(item({ label }), ctx);
    expect(shelly.ok && shelly.plan.steps.slice(0, 2).map((s) => [s.argv, s.description])).toEqual([
      [['launchctl', 'bootout', `gui/501/${label}`], `Unload it: launchctl bootout ${quoted}`],
      [['launchctl', 'disable', `gui/501/${label}`], `Keep launchd from loading it again: launchctl disable ${quoted}`],
    ]);
    for (const bad of ['com.x/y', 'com.x\nAAA\t0\tcom.apple.y', 'x'.repeat(1025)])
      expect(planDisable(item({ label: bad }), ctx), bad).toMatchObject({
        ok: false,
        refusal: expect.stringContaining('cannot be passed to launchctl'),
      });
    expect(planDisable(item({ plistPath: '/Users/alice/Library/LaunchAgents/../../x.plist' }), ctx)).toMatchObject({
      ok: false,
    });
    expect(planDisable(item({ plistPath: '/Users/alice/Library/LaunchAgents/a\nb.plist' }), ctx)).toMatchObject({
      ok: false,
      refusal: expect.stringContaining('control characters'),
    });
  });

  it('plans systemctl for units (--user for user units) and only a move for autostart entries', () => {
    const unit = planDisable(
      item({
        kind: 'systemd-service',
        label: 'm.service',
        unitName: 'm.service',
        plistPath: '/home/a/.config/systemd/user/m.service',
      }),
      ctx,
    );
    expect(unit.ok && unit.plan.steps.map((s) => s.argv?.join(' ') ?? s.kind)).toEqual([
      'systemctl --user stop m.service',
      'systemctl --user disable m.service',
      'stop-processes',
      'quarantine',
    ]);
    const system = planDisable(
      item({
        kind: 'systemd-service',
        scope: 'system',
        label: 'm.service',
        unitName: 'm.service',
        plistPath: '/etc/systemd/system/m.service',
      }),
      { ...ctx, processes: [] },
    );
    expect(system.ok && system.plan.steps[0]?.argv).toEqual(['systemctl', 'stop', 'm.service']);
    expect(system.ok && system.plan.needsAdmin).toBe(true);
    const autostart = planDisable(
      item({ kind: 'autostart', label: 'a.desktop', plistPath: '/home/a/.config/autostart/a.desktop' }),
      { ...ctx, processes: [] },
    );
    expect(autostart.ok && autostart.plan.steps.map((s) => s.kind)).toEqual(['quarantine']);
  });

  it('quarantines a plist with no label without any launchctl step', () => {
    const outcome = planDisable(item({ label: '' }), { ...ctx, processes: [] });
    expect(outcome.ok && outcome.plan.steps.map((s) => s.kind)).toEqual(['quarantine']);
  });
});

describe('administrator commands', () => {
  it('quote every argument for the one string the password prompt takes, and name the item in the prompt', async () => {
    const { promptName, shellQuote } = await import('../../main/actions/runners');
    expect(shellQuote("/Library/LaunchDaemons/it's.plist")).toBe(`'/Library/LaunchDaemons/it'\\''s.plist'`);
    expect(shellQuote('$(rm -rf /) `x` ;|&')).toBe(`'$(rm -rf /) \`x\` ;|&'`);
    expect(() => shellQuote('a\nb')).toThrow(/control characters/);
    expect(promptName('Launchwatch needs an administrator to disable com.evil.miner.')).toBe(
      'Launchwatch disable com evil miner',
    );
    expect(promptName(`Launchwatch needs an administrator to disable ${'x'.repeat(200)}`).length).toBeLessThanOrEqual(
      70,
    );
  });
});
