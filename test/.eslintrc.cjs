module.exports = {
  extends: '../.eslintrc.cjs',
  parserOptions: {
    project: './test/tsconfig.json',
  },
  rules: {
    // chai's property assertions (expect(x).to.be.true) are expressions.
    'no-unused-expressions': 'off',
    '@typescript-eslint/no-unused-expressions': 'off',
    '@typescript-eslint/no-explicit-any': 'off',
    '@typescript-eslint/no-unsafe-assignment': 'off',
    '@typescript-eslint/no-unsafe-member-access': 'off',
    '@typescript-eslint/no-unsafe-call': 'off',
    '@typescript-eslint/no-unsafe-argument': 'off',
    '@typescript-eslint/no-unsafe-return': 'off',
    'class-methods-use-this': 'off',
    'no-await-in-loop': 'off',
    'complexity': 'off',
    'sf-plugin/no-missing-messages': 'off',
    // Stubs and fakes implement async interfaces without awaiting anything.
    '@typescript-eslint/require-await': 'off',
  },
};
