export * from './read-model-db';
export * from './projection-runner';
export * from './projections/projection';
export * from './projections/recommendations.projection';
export * from './rebuild';
export * from './read-model-reader';
export * from './queries/list-recommendations';
export * from './queries/reports';
