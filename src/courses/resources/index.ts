/** Downloadable resources of course versions, stored in GridFS. */
export { resourcesApi, resourceRemovalQuery, resourceUploadSchema } from './api';
export { OUTCOMES, type ResourceOutcome, resourcePages } from './pages';
export { attachResource, formatSize, removeResource, type ResourceForPage, resourcesForPage, resourceUrl, serialiseResource } from './service';
export { forgetImportedFiles, importVersionResources } from './import';
