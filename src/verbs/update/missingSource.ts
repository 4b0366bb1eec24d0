/*
 * The project's source files for an app the org has but the project lacks them for: a create that ended after the
 * deploy and before the files were (or stayed) written. They are written as a retrieve would: the org's components,
 * with the update just sent applied, under their org names; never the consumer key or secret.
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
  const sent = new Map(plan.components.map((c) => [c.type, c]));
  // The org's components (the update applied); a type the org's record lacks comes from the definition.
  const built = appKindInfo(plan.kind).build(plan.after);
  const components = sourceComponents(
    plan.kind,
    built.map((component): MetadataComponent => {
      const org = plan.record.components.find((c) => c.type === component.type);
      if (!org) return component;
      return { type: org.type, fullName: org.fullName, content: sent.get(org.type)?.content ?? org.content };
    })
  );
  const found = await findSourceFiles(components, cwd, plan.kind, plan.name);
  const have = new Set(found.map((path) => path.split(/[\\/]/).slice(-2).join('/')));
  const missing = components.filter((component) => !have.has(fileName(component)));
  if (missing.length === 0) return [];
  return writeSourceFiles(missing, project.defaultPackageDir);
}
