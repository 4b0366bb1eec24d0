/*
 * The dry run's view of an app: its components as source XML, secrets masked.
 */
import type { MetadataComponent } from '../../model/appModel.js';
import { toSourceXml } from '../../metadata/xml.js';
import { planSourceFiles, writeSourceFiles } from '../../files/sourceFiles.js';
import { MASKED_SECRET, withSecretMasked } from '../../metadata/credentialElements.js';

export type ComponentPreview = { type: string; fullName: string; xml: string; path?: string };

export { MASKED_SECRET };

/**
 * The source XML of every component (secrets masked). With outputDir, the source files of the components that go
 * into a project (`sourceTypes`) are written there, in a package directory layout (main/default/<folder>), without
 * the key or secret: nothing else is written.
 */
export async function previewComponents(
  components: readonly MetadataComponent[],
  options: { outputDir?: string; overwrite?: boolean; sourceTypes?: readonly string[] } = {}
): Promise<ComponentPreview[]> {
  const previews = components.map((component) => ({
    type: component.type,
    fullName: component.fullName,
    xml: toSourceXml(withSecretMasked(component)),
  }));
  if (!options.outputDir) return previews;
  const written = components.filter((component) => options.sourceTypes?.includes(component.type) ?? true);
  const paths = await writeSourceFiles(await planSourceFiles(written, options.outputDir, { overwrite: options.overwrite }));
  return previews.map((preview) => {
    const index = written.findIndex((component) => component.type === preview.type && component.fullName === preview.fullName);
    return index === -1 ? preview : { ...preview, path: paths[index] };
  });
}
