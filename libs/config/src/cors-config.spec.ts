// CORS_ORIGINS is validated at boot like the rest: a bad value names the variable.
import { ConfigError, loadConfig } from './config';

describe('CORS configuration', () => {
  it('is off when CORS_ORIGINS is unset or empty', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: '  ' }).corsOrigins).toEqual([]);
  });

  it('reads a comma-separated list of origins, normalised', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://app.school.example, http://localhost:5173,HTTPS://Admin.School.Example:443,' }).corsOrigins).toEqual([
      'https://app.school.example',
      'http://localhost:5173',
      'https://admin.school.example',
    ]);
  });

  it('accepts * for any origin', () => {
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
    expect(loadConfig({ CORS_ORIGINS: 'https://app.school.example,*' }).corsOrigins).toEqual(['*']);
  });

  it.each([
    'app.school.example',
    'https://app.school.example/',
    'https://app.school.example/path',
    'https://app.school.example?x=1',
    'ftp://files.school.example',
    'https://user@app.school.example',
    'https://',
    'https://app.school.example, *.school.example',
    'null',
  ])('refuses CORS_ORIGINS=%s', (value) => {
    expect(() => loadConfig({ CORS_ORIGINS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ CORS_ORIGINS: value })).toThrow(/CORS_ORIGINS must be a comma-separated list of http\(s\) origins without a path/);
  });
});
