import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUrl, Matches, MaxLength } from 'class-validator';

export class SubmitFirstSessionRecordingDto {
  @ApiProperty({ example: '0f9c…', description: 'The first session held with this mentor' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,100}$/, { message: 'sessionId must be 1–100 letters, digits, - or _' })
  sessionId: string;

  @ApiProperty({ example: 'https://recordings.example/s/abc123', description: 'http(s) link to the recording' })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2000)
  recordingUrl: string;
}
