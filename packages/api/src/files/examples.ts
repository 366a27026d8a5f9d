import { EXAMPLE_AUTHOR, EXAMPLE_LATER } from '../shared/examples.ts';

/** Answer examples of the files procedures, for the OpenAPI document. */
export const filesExamples = {
  get: {
    response: {
      id: 5,
      title: 'Quarterly report',
      file: 'https://cms.example.com/media/file_gallery/6b1f2c3d.pdf',
      size: 48213,
      content_type: 'application/pdf',
      uploaded_by: EXAMPLE_AUTHOR,
      uploaded_at: EXAMPLE_LATER,
    },
  },
};
