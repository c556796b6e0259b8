// The watch folder's public surface (the only folder that uses chokidar).
export { startWatcher, type Watcher, type WatcherOptions, type WatchEvent, type WatchStages } from './watcher.js';
export { transcriptRoots, isTranscriptFile, type TranscriptRoot } from './roots.js';
export { installService, uninstallService, type ServiceOptions, type ServiceResult } from './service.js';
