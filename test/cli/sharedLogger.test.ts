import { createRequire } from 'node:module';
import { expect } from 'chai';
import { Logger } from '@salesforce/core';
import { adoptRootLogger, loadCoreLogger, type LoggerClass } from '../../src/cli/sharedLogger.js';

/** A Logger class shaped like core's: the root in a static field, made on first use. */
function fakeLoggerClass(name: string): LoggerClass & { made: number } {
  const cls = {
    rootLogger: undefined as unknown,
    made: 0,
    getRoot(): unknown {
      if (cls.rootLogger === undefined) {
        cls.made++;
        cls.rootLogger = { name };
      }
      return cls.rootLogger;
    },
  };
  return cls;
}

describe('sharedLogger init hook', () => {
  it('gives the plugin core the root logger of sf core (same major, different copies)', () => {
    const ours = fakeLoggerClass('ours');
    const sf = fakeLoggerClass('sf');
    expect(adoptRootLogger({ Logger: ours, version: '9.4.0' }, { Logger: sf, version: '9.2.1' })).to.equal(true);
    expect(ours.getRoot()).to.deep.equal({ name: 'sf' });
    expect(ours.made).to.equal(0);
  });

  it('changes nothing for another major version, an existing root, one shared copy, or another shape', () => {
    const sf = fakeLoggerClass('sf');
    const otherMajor = fakeLoggerClass('ours');
    expect(adoptRootLogger({ Logger: otherMajor, version: '9.4.0' }, { Logger: sf, version: '10.0.0' })).to.equal(false);
    expect(otherMajor.getRoot()).to.deep.equal({ name: 'ours' });

    const withRoot = fakeLoggerClass('ours');
    withRoot.getRoot();
    expect(adoptRootLogger({ Logger: withRoot, version: '9.4.0' }, { Logger: sf, version: '9.4.0' })).to.equal(false);
    expect(withRoot.getRoot()).to.deep.equal({ name: 'ours' });

    expect(adoptRootLogger({ Logger: sf, version: '9.4.0' }, { Logger: sf, version: '9.4.0' })).to.equal(false);

    const renamed = { getRoot: (): unknown => ({ name: 'ours' }) };
    expect(adoptRootLogger({ Logger: renamed, version: '9.4.0' }, { Logger: sf, version: '9.4.0' })).to.equal(false);
    expect('rootLogger' in renamed).to.equal(false);
  });

  it('finds the installed core: its Logger class and version, and the root in the field the hook sets', () => {
    const core = loadCoreLogger(createRequire(import.meta.url));
    expect(core.Logger).to.equal(Logger);
    expect(core.version).to.match(/^\d+\.\d+\.\d+/);
    // When core stops keeping its root there, adoptRootLogger declines and this says why sharing stopped.
    expect('rootLogger' in Logger).to.equal(true);
  });
});
