import type { MigrateFilesOptions } from '../migrate/migrate-files.js';

/**
 * The migrate run behind both `trajkit migrate` and `trajkit lint --fix`: migrate with a
 * progress bar on stderr (TTY only, never with --json), print the report, and return the exit
 * code (1 when a record failed or error-level findings remain).
 */
export async function runMigration(paths: string[], options: Omit<MigrateFilesOptions, 'onProgress'> & { maxFindings: number }, json: boolean): Promise<number> {
  const [{ migrateFiles }, { formatMigrationReport }, { createProgress }] = await Promise.all([
    import('../migrate/migrate-files.js'),
    import('../migrate/format-migration.js'),
    import('../progress.js'),
  ]);
  const progress = createProgress({ enabled: json ? false : undefined });
  let report;
  try {
    report = await migrateFiles(paths, {
      ...options,
      onProgress: progress.enabled
        ? (p) => progress.update({ done: p.fileIndex, total: p.fileCount, text: `file ${p.fileIndex + 1}/${p.fileCount} ${p.file}: ${p.records.toLocaleString('en-US')} records` })
        : undefined,
    });
  } finally {
    progress.done();
  }
  process.stdout.write(json ? `${JSON.stringify(report)}\n` : formatMigrationReport(report, options.maxFindings));
  return report.failed > 0 || report.errorCount > 0 ? 1 : 0;
}
