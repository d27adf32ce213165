/**
 * Code changes' public surface: what other modules may import (dependency-cruiser keeps them to this file).
 * Intake records the changes it maps; insights reads them for lead time.
 */
export { CodeChangesModule } from './code-changes.module';
export { CodeChangesService } from './code-changes.service';
export { CreateCodeChangeDto } from './dto/code-change.dto';
