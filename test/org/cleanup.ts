/*
 * What a lane run leaves in the org and on disk, and taking it all away again. Every app is registered before the
 * command that creates it runs, every login with a new app right after it succeeds; cleanUp() runs whatever happened
 * before (it is the lane's after hook), never throws, and says what it could not clean.
 */
import type { SfSession } from '../e2e/harness.js';
import type { AppTopic } from './assumptions.js';

type AppEntry = { topic: AppTopic; name: string; deleted: boolean; notCreated?: boolean };
type LoginEntry = { session: SfSession; target: string; what: string };

export type NotCleaned = { what: string; reason: string; fix: string };

export type CleanupReport = {
  /** Apps the scenarios deleted themselves (the delete step). */
  deletedByScenario: string[];
  /** Apps the cleanup deleted (a scenario stopped before its delete step). */
  deletedByCleanup: string[];
  /** Apps registered but not in the org (their create never got that far). */
  notInOrg: string[];
  /** Logins with the lane's apps, logged out. */
  loggedOut: string[];
  notCleaned: NotCleaned[];
};

export class CleanupRegistry {
  private readonly apps: AppEntry[] = [];
  private readonly logins: LoginEntry[] = [];

  /** Before the create command runs: even a create that fails half way may leave components behind. */
  public addApp(topic: AppTopic, name: string): void {
    this.apps.push({ topic, name, deleted: false });
  }

  public markDeleted(name: string): void {
    const app = this.apps.find((entry) => entry.name === name);
    if (app) app.deleted = true;
  }

  /** The org refused to create it (the deploy itself failed): there is nothing to delete. */
  public markNotCreated(name: string): void {
    const app = this.apps.find((entry) => entry.name === name);
    if (app) app.notCreated = true;
  }

  /** A login with one of the lane's apps, in one of the lane's HOMEs: `target` is its alias or username there. */
  public addLogin(session: SfSession, target: string, what: string): void {
    this.logins.push({ session, target, what });
  }

  public appNames(): string[] {
    return this.apps.map((app) => app.name);
  }

  /**
   * Logs out the lane's logins, then deletes every app not deleted yet, through `admin` (a HOME where the target org
   * is authorized with the user's access token). Never throws.
   */
  public async cleanUp(admin: SfSession | undefined, targetOrg: string, cwd: string): Promise<CleanupReport> {
    const report: CleanupReport = { deletedByScenario: [], deletedByCleanup: [], notInOrg: [], loggedOut: [], notCleaned: [] };
    // Each login lives in a HOME of its own: they are logged out side by side.
    await Promise.all(
      this.logins.map(async (login) => {
        try {
          const run = await login.session.json(['org', 'logout', '--target-org', login.target, '--no-prompt']);
          if (run.json.status !== 0) throw new Error(run.json.message ?? `exit ${String(run.exitCode)}`);
          report.loggedOut.push(login.what);
        } catch (error) {
          // Its HOME is deleted with the run's temp dirs, auth file included: nothing stays on this machine.
          report.notCleaned.push({
            what: `login ${login.what}`,
            reason: `sf org logout failed: ${message(error)}`,
            fix: 'nothing to do on this machine (its temp HOME was deleted); the token belongs to an app the run deleted',
          });
        }
      })
    );
    for (const app of this.apps) {
      if (app.deleted) {
        report.deletedByScenario.push(app.name);
        continue;
      }
      if (app.notCreated) {
        report.notInOrg.push(app.name);
        continue;
      }
      const manual = `sf ${app.topic} delete --name ${app.name} --target-org ${targetOrg} --no-prompt`;
      if (!admin) {
        report.notCleaned.push({ what: `${app.topic} ${app.name}`, reason: 'no authorized session to delete it with', fix: manual });
        continue;
      }
      try {
        const run = await admin.json([app.topic, 'delete', '--name', app.name, '--target-org', targetOrg, '--no-prompt'], {
          cwd,
          timeoutMs: 600_000,
        });
        if (run.json.status === 0) {
          app.deleted = true;
          report.deletedByCleanup.push(app.name);
        } else if (run.json.name === 'AppNotFoundError') {
          app.deleted = true;
          report.notInOrg.push(app.name);
        } else {
          throw new Error(`${run.json.name ?? 'error'}: ${run.json.message ?? `exit ${String(run.exitCode)}`}`);
        }
      } catch (error) {
        report.notCleaned.push({ what: `${app.topic} ${app.name}`, reason: message(error), fix: manual });
      }
    }
    return report;
  }
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0];
