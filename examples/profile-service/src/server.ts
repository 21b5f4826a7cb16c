import { serveResourceService } from '../../shared/src/serve-resource-service.js';
import { readProfileConfig } from './config.js';
import { startProfileService } from './start-profile-service.js';

// Process entry of the profile service: `node --import tsx examples/profile-service/src/server.ts`.
await serveResourceService(readProfileConfig(), startProfileService);
