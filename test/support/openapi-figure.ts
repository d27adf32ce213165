import { reportFigure } from './figures';
import { validatedResponses } from './openapi-validator';

/*
 * Loaded after the test framework in every e2e file (jest.config.js, setupFilesAfterEnv): reports how many of
 * the file's responses were checked against the OpenAPI document; the figures reporter adds them up.
 */
afterAll(() => {
  const count = validatedResponses();
  if (count > 0) reportFigure(`${count} responses validated against the OpenAPI document`);
});
