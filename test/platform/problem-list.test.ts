import { describe, expect, it } from 'vitest';
import { NAMED_PROBLEMS, ProblemList } from '../../main/platform/problem-list';

describe('ProblemList', () => {
  it('names the first problems, counts the rest, and builds no message it will not keep', () => {
    const problems = new ProblemList();
    let described = 0;
    for (let i = 1; i <= 1_000; i++)
      problems.add(() => {
        described++;
        return `line ${i}: bad`;
      });
    expect(described).toBe(NAMED_PROBLEMS);
    expect(problems.count).toBe(1_000);
    const messages = problems.messages();
    expect(messages).toHaveLength(NAMED_PROBLEMS + 1);
    expect(messages[0]).toBe('line 1: bad');
    expect(messages[NAMED_PROBLEMS - 1]).toBe(`line ${NAMED_PROBLEMS}: bad`);
    expect(messages.at(-1)).toBe(`${1_000 - NAMED_PROBLEMS} more lines could not be read`);
  });

  it('says nothing more when every problem was named', () => {
    const problems = new ProblemList(3);
    problems.add(() => 'one');
    problems.add(() => 'two');
    expect(problems.messages('whatever')).toEqual(['one', 'two']);
    expect(problems.count).toBe(2);
  });
});
