// Whom processes run as: the user lists of macOS (dscl) and Linux (/etc/passwd), and the process tree.
import { describe, expect, it } from 'vitest';
import { parseDsclUniqueIds, parsePasswd } from '../../main/platform/users';
import { processTree } from '../../renderer/src/logic/process-tree';

describe('user lists', () => {
  it('dscl . -list /Users UniqueID: name and uid, negative uids, junk lines skipped', () => {
    const text =
      '_amavisd                 83\nnobody                   -2\nroot                     0\nalice                    501\nnot a user line\n\n';
    expect([...parseDsclUniqueIds(text)]).toEqual([
      [83, '_amavisd'],
      [-2, 'nobody'],
      [0, 'root'],
      [501, 'alice'],
    ]);
  });

  it('/etc/passwd: the first name for a uid wins; comments and short lines are skipped', () => {
    const text =
      '# comment\nroot:x:0:0:root:/root:/bin/bash\ntoor:x:0:0::/root:/bin/sh\nbad:line\nalice:x:1000:1000:Alice:/home/alice:/bin/zsh\n';
    expect([...parsePasswd(text)]).toEqual([
      [0, 'root'],
      [1000, 'alice'],
    ]);
  });
});

describe('the process tree', () => {
  it('children under their parents, depth first; a parent loop is shown flat, nothing dropped', () => {
    const tree = processTree([
      { pid: 30, ppid: 20 },
      { pid: 20, ppid: 1 },
      { pid: 21, ppid: 20 },
      { pid: 40, ppid: 41 },
      { pid: 41, ppid: 40 },
    ]);
    expect(tree.map((t) => `${'  '.repeat(t.depth)}${t.process.pid}`)).toEqual(['20', '  21', '  30', '40', '  41']);
  });

  it('a chain of 50,000 processes, each the parent of the next (a fork loop), is drawn whole at its depths', () => {
    const chain = Array.from({ length: 50_000 }, (_, i) => ({ pid: 100 + i, ppid: 99 + i }));
    const tree = processTree([...chain].reverse());
    expect(tree).toHaveLength(50_000);
    expect(tree.every((t, i) => t.process.pid === 100 + i && t.depth === i)).toBe(true);
  });
});
