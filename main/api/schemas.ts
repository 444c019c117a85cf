// Validation of every message the renderer sends (IPC or web bridge): the serving side never trusts it.
import { z } from 'zod';
import { REPORT_FORMATS, type ReportRequest, type ScanOptionsInput } from './contract';
import { hasControlCharacters } from '../engine/terminal-text';
import { MAX_APPROVALS_TEXT } from '../engine/approval-limits';

export { MAX_APPROVALS_TEXT };

export const itemIdSchema = z.string().min(1).max(4096);
export const watchItemSchema = itemIdSchema.nullable();
/** The rows on screen: a popover shows a few dozen; past 1,000 it is not a page of ours. */
export const watchRowsSchema = z.array(itemIdSchema).max(1000).nullable();

export const optionsSchema: z.ZodType<ScanOptionsInput> = z
  .object({
    windowSeconds: z.number().finite().min(10).max(86_400),
    cpuThresholdPercent: z.number().finite().min(1).max(10_000),
  })
  .strict();

export const pausedSchema = z.boolean();

/** A request with nothing to say (its body is JSON null). */
export const resendSchema = z.null();

export const planIdSchema = z.string().regex(/^[0-9a-f]{24}$/, 'a plan id');
export const actionIdSchema = z.string().regex(/^[0-9A-Za-z-]{1,64}$/, 'an action id');
export const approveItemSchema = z
  .object({
    itemId: itemIdSchema,
    note: z.string().max(2000).optional(),
    /** Accept its CPU only, up to this percent of one core. */
    cpuLimitPercent: z.number().finite().min(1).max(100_000).optional(),
  })
  .strict();
export const capturePathSchema = z
  .string()
  .min(2)
  .max(4096)
  .refine((p) => p.startsWith('/'), 'an absolute path')
  .refine((p) => !hasControlCharacters(p), 'no control characters');

export const reportRequestSchema: z.ZodType<ReportRequest> = z
  .object({ format: z.enum(REPORT_FORMATS), redacted: z.boolean() })
  .strict();

export const importApprovalsSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(255)
      .refine((n) => !hasControlCharacters(n), 'no control characters'),
    text: z.string().max(MAX_APPROVALS_TEXT, `an approvals file is at most ${MAX_APPROVALS_TEXT / 1024 / 1024} MiB`),
  })
  .strict();

/** `review` looks back this many days (a year at most: the history keeps 90). */
export const reviewDaysSchema = z.number().int().min(1).max(365);

/** What the page may put on the clipboard: a path or a hash, one line, bounded. */
export const copyTextSchema = z
  .string()
  .min(1)
  .max(8192)
  .refine((t) => !hasControlCharacters(t), 'no control characters');

export const revealSchema = z.object({ itemId: itemIdSchema, which: z.enum(['plist', 'program']) }).strict();
