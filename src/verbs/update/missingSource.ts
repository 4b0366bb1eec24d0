/*
 * The project's source files for an app the org has but the project lacks them for: a create that ended after the
 * deploy and before the files were (or stayed) written. They are written as create writes them, for the app as the
 * update left it; never the consumer key or secret.
 */
import { appKindInfo, sourceComponents } from '../../metadata/appKinds.js';
import { metadataTypeInfo } from '../../metadata/registry.js';
import type { MetadataComponent } from '../../model/appModel.js';
import { resolveProjectContext } from '../../files/project.js';
import { findSourceFiles, writeSourceFiles } from '../../files/sourceFiles.js';
import type { UpdatePlan } from './types.js';

const fileName = (component: Pick<MetadataComponent, 'type' | 'fullName'>): string => {
  const info = metadataTypeInfo(component.type);
  return `${info.directoryName}/${component.fullName}.${info.suffix}-meta.xml`;
};

/** Writes the app's missing source files into the default package directory; returns their paths. */
export async function writeMissingSourceFiles(plan: UpdatePlan, cwd: string): Promise<string[]> {
  const project = await resolveProjectContext(cwd);
  if (!project.projectRoot || !project.defaultPackageDir) return [];
  // What create writes for the app as it now is, under the names the org gives its components (the org's own
  // read-only elements, such as orgScopedExternalApp, stay out, as in create's files).
  const components = sourceComponents(
    plan.kind,
    appKindInfo(plan.kind).build(plan.after).map((component): MetadataComponent => {
      const org = plan.record.components.find((c) => c.type === component.type);
      return org ? { ...component, fullName: org.fullName } : component;
    })
  );
  const found = await findSourceFiles(components, cwd, plan.kind, plan.name);
  const have = new Set(found.map((path) => path.split(/[\\/]/).slice(-2).join('/')));
  const missing = components.filter((component) => !have.has(fileName(component)));
  if (missing.length === 0) return [];
  return writeSourceFiles(missing, project.defaultPackageDir);
}
