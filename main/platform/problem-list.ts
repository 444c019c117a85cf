// What went wrong reading one command's output or file. Everything read is written by whoever controls
// the machine: an output of a million garbage lines must cost a million counts, not a million messages
// built, kept and shown in every note, snapshot and report.

/** How many problems of one text are named; the rest are counted. */
export const NAMED_PROBLEMS = 20;

export class ProblemList {
  private readonly named: string[] = [];
  private unnamed = 0;

  constructor(private readonly limit = NAMED_PROBLEMS) {}

  /** Adds a problem; `describe` runs only while fewer than the limit are named. */
  add(describe: () => string): void {
    if (this.named.length < this.limit) this.named.push(describe());
    else this.unnamed++;
  }

  /** How many problems were met, named or not. */
  get count(): number {
    return this.named.length + this.unnamed;
  }

  /** The named problems, then one line saying how many more there were (`more` names what they are). */
  messages(more = 'lines could not be read'): string[] {
    return this.unnamed === 0 ? [...this.named] : [...this.named, `${this.unnamed} more ${more}`];
  }
}
